-- must return zero rows: an article appears once in the ledger, whatever file it came from
select article_id, count(*) as copies
from articles
group by article_id
having count(*) > 1
