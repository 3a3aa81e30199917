-- one row per (side_a, side_b, topic), side_a < side_b
-- Topics raised at meetings between two sides, held or planned (cancelled ones are left
-- out): `mentions` counts topic rows, `meetings` the distinct meetings they came from.

with

pairs as (
    select * from meeting_pairs
),

meeting_topics as (
    select meeting_id, topic from topics
    where meeting_id is not null
),

pair_topics as (
    select
        pairs.side_a,
        pairs.side_b,
        meeting_topics.topic,
        meeting_topics.meeting_id
    from meeting_topics
    inner join pairs on meeting_topics.meeting_id = pairs.meeting_id
    where pairs.status <> 'cancelled'
),

final as (
    select
        side_a,
        side_b,
        topic,
        count(*) as mentions,
        count(distinct meeting_id) as meetings
    from pair_topics
    group by side_a, side_b, topic
    order by side_a, side_b, mentions desc, topic
)

select * from final
