-- The officer's request list is ordered by due time, then id, and paged after the last
-- `(due_ms, id)` shown. Only the open requests had an index in that order; a list of all
-- of them (or of closed states) read and sorted every request for each page. With the id
-- in the index, in the byte-wise order the list sorts by, a page is one index range.
CREATE INDEX requests_by_due ON requests (due_ms, id{bytewise});
