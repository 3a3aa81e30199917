-- must return zero rows: only the current version of an article has records; an older
-- version keeps its row and text, and its meetings, statements and topics go
with

superseded as (
    select article_id from articles where superseded_by is not null
),

referenced as (
    select 'meeting_mentions' as source_table, article_id from meeting_mentions
    union all
    select 'meeting_participants', article_id from meeting_participants
    union all
    select 'statements', article_id from statements
    union all
    select 'topics', article_id from topics
),

final as (
    select referenced.source_table, referenced.article_id
    from referenced
    semi join superseded on referenced.article_id = superseded.article_id
)

select * from final
