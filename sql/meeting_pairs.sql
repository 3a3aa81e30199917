-- one row per (meeting_id, side_a, side_b), side_a < side_b
-- Every pair of sides at a meeting, whatever its status: a meeting of three sides gives
-- three rows. The building block of the country-pair views.

with

all_meetings as (
    select * from meetings
),

meeting_sides as (
    select distinct meeting_id, side
    from (select meeting_id, unnest(sides) as side from all_meetings)
),

side_pairs as (
    select
        a.meeting_id,
        a.side as side_a,
        b.side as side_b
    from meeting_sides as a
    inner join meeting_sides as b
        on a.meeting_id = b.meeting_id and a.side < b.side
),

final as (
    select
        side_pairs.meeting_id,
        side_pairs.side_a,
        side_pairs.side_b,
        all_meetings.meeting_date,
        all_meetings.mode,
        all_meetings.status
    from side_pairs
    inner join all_meetings on side_pairs.meeting_id = all_meetings.meeting_id
)

select * from final
