-- one row per (meeting_id, article_id)
-- Every article behind a meeting, with the sentence that reports it, so each count in
-- the other views can be traced to its sources.

with

mentions as (
    select * from meeting_mentions
),

source_articles as (
    select article_id, source_ref, url, title, published_date from articles
),

final as (
    select
        mentions.meeting_id,
        mentions.article_id,
        source_articles.source_ref,
        source_articles.url,
        source_articles.title,
        source_articles.published_date,
        mentions.status as reported_status,
        mentions.evidence,
        mentions.evidence_start,
        mentions.evidence_end
    from mentions
    inner join source_articles on mentions.article_id = source_articles.article_id
    order by mentions.meeting_id, source_articles.published_date, mentions.article_id
)

select * from final
