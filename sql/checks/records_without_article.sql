-- must return zero rows: participants, statements and topics lead back to an article in the ledger
with

referenced as (
    select 'meeting_participants' as source_table, article_id from meeting_participants
    union all
    select 'statements', article_id from statements
    union all
    select 'topics', article_id from topics
),

final as (
    select referenced.source_table, referenced.article_id
    from referenced
    anti join articles on referenced.article_id = articles.article_id
)

select * from final
