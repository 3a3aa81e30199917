-- must return zero rows: every meeting mention leads back to an article in the ledger
select mentions.meeting_id, mentions.article_id
from meeting_mentions as mentions
anti join articles on mentions.article_id = articles.article_id
