-- one row per (side, month, mode)
-- materialise: table
-- Held meetings each side took part in per month (the first day of the month), by mode
-- (in_person, phone, video). Undated meetings are left out. Readable names come last.

with

all_meetings as (
    select * from meetings
),

country_names as (
    select code, name from countries
),

held_sides as (
    select
        meeting_id,
        unnest(sides) as side,
        date_trunc('month', meeting_date)::date as month,
        mode
    from all_meetings
    where status = 'held' and meeting_date is not null
),

monthly as (
    select
        side,
        month,
        mode,
        count(distinct meeting_id) as meetings
    from held_sides
    group by side, month, mode
),

final as (
    select
        monthly.side,
        monthly.month,
        monthly.mode,
        monthly.meetings,
        country_names.name as side_name
    from monthly
    left join country_names on monthly.side = country_names.code
    order by monthly.side, monthly.month, monthly.mode
)

select * from final
