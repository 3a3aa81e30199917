-- must return zero rows: every meeting is reported by at least one mention, its evidence
select meetings.meeting_id
from meetings
anti join meeting_mentions on meetings.meeting_id = meeting_mentions.meeting_id
