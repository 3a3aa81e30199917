-- must return zero rows: a side is an ISO 3166-1 alpha-3 code of a current state, one of
-- the former states and territories we name (SUN, YUG, CSK, DDR, and XKX for Kosovo),
-- or an organisation, ORG:<letters and digits>
with

sides as (
    select 'meetings' as source_table, unnest(sides) as side from meetings
    union all
    select 'meeting_mentions', unnest(sides) from meeting_mentions
    union all
    select 'meeting_participants', side from meeting_participants where side is not null
    union all
    select 'statements', side from statements where side is not null
),

current_states as (
    select code from countries where not former
),

final as (
    select distinct sides.source_table, sides.side
    from sides
    anti join current_states on sides.side = current_states.code
    where sides.side not in ('SUN', 'YUG', 'CSK', 'DDR', 'XKX')
        and not regexp_full_match(sides.side, 'ORG:[A-Z0-9]+')
)

select * from final
