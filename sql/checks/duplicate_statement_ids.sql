-- must return zero rows: a statement id names one sentence of one article
select statement_id, count(*) as copies
from statements
group by statement_id
having count(*) > 1
