-- one row per (side_a, side_b, month), side_a < side_b
-- materialise: table
-- Held meetings between two sides per month (the first day of the month). A meeting of
-- several sides counts once for each pair of them; undated meetings have no month and
-- are left out. Readable names come last.

with

pairs as (
    select * from meeting_pairs
),

country_names as (
    select code, name from countries
),

held_pairs as (
    select
        meeting_id,
        side_a,
        side_b,
        date_trunc('month', meeting_date)::date as month
    from pairs
    where status = 'held' and meeting_date is not null
),

monthly as (
    select
        side_a,
        side_b,
        month,
        count(*) as meetings
    from held_pairs
    group by side_a, side_b, month
),

final as (
    select
        monthly.side_a,
        monthly.side_b,
        monthly.month,
        monthly.meetings,
        names_a.name as side_a_name,
        names_b.name as side_b_name
    from monthly
    left join country_names as names_a on monthly.side_a = names_a.code
    left join country_names as names_b on monthly.side_b = names_b.code
    order by monthly.side_a, monthly.side_b, monthly.month
)

select * from final
