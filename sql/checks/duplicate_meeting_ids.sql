-- must return zero rows: one row per meeting after the merge
select meeting_id, count(*) as copies
from meetings
group by meeting_id
having count(*) > 1
