-- one row per (meeting_id, side_a, side_b), side_a < side_b
-- Every pair of sides at a meeting, whatever its status: a meeting of three sides gives
-- three rows. The building block of the country-pair views.

with

all_meetings as (
    select * from meetings
),

-- the pipeline writes sides as a sorted list of distinct codes; sorting again covers rows
-- written otherwise, and a bilateral meeting already in order (most of them) skips it,
-- which keeps this view fast over millions of meetings
sorted_sides as (
    select
        meeting_id,
        meeting_date,
        mode,
        status,
        case
            when len(sides) = 2 and sides[1] < sides[2] then sides
            else list_sort(list_distinct(sides))
        end as sides
    from all_meetings
),

-- each side pairs with those after it: no self-join, no join back to meetings
indexed_sides as (
    select
        *,
        unnest(range(1, len(sides))) as position
    from sorted_sides
),

final as (
    select
        meeting_id,
        sides[position] as side_a,
        unnest(sides[position + 1:]) as side_b,
        meeting_date,
        mode,
        status
    from indexed_sides
)

select * from final
