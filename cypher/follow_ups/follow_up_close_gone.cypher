// name: follow_up_close_gone
// mode: write
// params: ids, today, by
// purpose: Close the follow-ups $ids whose rule no longer reports their subject (自动销号), those still open; their ids.
UNWIND $ids AS id
MATCH (f:FollowUp {id: id})
WHERE f.status <> 'closed'
SET f.status = 'closed', f.closed_on = $today, f.closed_reason = 'gap_gone', f.closed_by = $by,
    f.updated_at = datetime()
RETURN collect(f.id) AS closed
