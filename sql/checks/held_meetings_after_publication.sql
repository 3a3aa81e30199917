-- must return zero rows: a meeting reported as held cannot take place after every article
-- that reports it was published (meetings reported by an undated article are left out)
with

held as (
    select meeting_id, meeting_date from meetings
    where status = 'held' and meeting_date is not null
),

reports as (
    select
        meeting_mentions.meeting_id,
        max(articles.published_date) as last_published,
        count(*) filter (where articles.published_date is null) as undated
    from meeting_mentions
    inner join articles on meeting_mentions.article_id = articles.article_id
    group by meeting_mentions.meeting_id
),

final as (
    select held.meeting_id, held.meeting_date, reports.last_published
    from held
    inner join reports on held.meeting_id = reports.meeting_id
    where reports.undated = 0 and held.meeting_date > reports.last_published
)

select * from final
