-- one row per (meeting_id, side_a, side_b), side_a < side_b
-- Every pair of sides at a meeting, whatever its status: a meeting of three sides gives
-- three rows. The building block of the country-pair views.

with

all_meetings as (
    select * from meetings
),

-- sides is a sorted list of distinct codes, so each side pairs with those after it:
-- no self-join, and a bilateral meeting gives its one pair at once.
indexed_sides as (
    select
        meeting_id,
        list_sort(list_distinct(sides)) as sides,
        unnest(range(1, len(list_distinct(sides)))) as position
    from all_meetings
),

side_pairs as (
    select
        meeting_id,
        sides[position] as side_a,
        unnest(sides[position + 1:]) as side_b
    from indexed_sides
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
