-- must return zero rows: every meeting mention and statement carries its sentence, and its
-- offsets span some text
with

evidence as (
    select 'meeting_mentions' as source_table, article_id, evidence as text,
        evidence_start as start_offset, evidence_end as end_offset
    from meeting_mentions
    union all
    select 'statements', article_id, text, "start", "end"
    from statements
),

final as (
    select source_table, article_id, start_offset, end_offset
    from evidence
    where text is null or trim(text) = '' or start_offset < 0 or end_offset <= start_offset
)

select * from final
