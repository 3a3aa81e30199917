-- must return zero rows: participants, statements and topics name only merged meetings
with

referenced as (
    select 'meeting_participants' as source_table, meeting_id from meeting_participants
    union all
    select 'statements', meeting_id from statements where meeting_id is not null
    union all
    select 'topics', meeting_id from topics where meeting_id is not null
),

final as (
    select referenced.source_table, referenced.meeting_id
    from referenced
    anti join meetings on referenced.meeting_id = meetings.meeting_id
)

select * from final
