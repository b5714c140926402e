-- Every new conversation wrote eight index entries; two of them served no query:
-- * conversations_queue (site_id, team, status, priority): a team's open queue is read
--   from conversations_open_by_team and its unanswered backlog from conversations_waiting;
-- * conversations_open_by_correspondent: an address's open conversations are read through
--   conversations_one_open (without a patient) and a patient's through
--   conversations_one_open_per_patient.
DROP INDEX IF EXISTS conversations_queue;
DROP INDEX IF EXISTS conversations_open_by_correspondent;
