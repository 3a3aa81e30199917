-- one row per (side, counterpart)
-- materialise: table
-- For each side, the sides it held meetings with: how many meetings and the first and
-- last meeting dates. Each pair appears in both directions, so filter on `side` and sort
-- by `meetings`. Undated held meetings count but give no date. Readable names come last.

with

pairs as (
    select * from meeting_pairs
),

country_names as (
    select code, name from countries
),

held_pairs as (
    select meeting_id, side_a, side_b, meeting_date
    from pairs
    where status = 'held'
),

both_directions as (
    select meeting_id, side_a as side, side_b as counterpart, meeting_date from held_pairs
    union all
    select meeting_id, side_b as side, side_a as counterpart, meeting_date from held_pairs
),

counted as (
    select
        side,
        counterpart,
        count(*) as meetings,
        min(meeting_date) as first_meeting,
        max(meeting_date) as last_meeting
    from both_directions
    group by side, counterpart
),

final as (
    select
        counted.side,
        counted.counterpart,
        counted.meetings,
        counted.first_meeting,
        counted.last_meeting,
        names_side.name as side_name,
        names_counterpart.name as counterpart_name
    from counted
    left join country_names as names_side on counted.side = names_side.code
    left join country_names as names_counterpart on counted.counterpart = names_counterpart.code
    order by counted.side, counted.meetings desc, counted.counterpart
)

select * from final
