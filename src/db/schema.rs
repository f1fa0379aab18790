//! The schema, as an ordered list of upgrades. The database records how many
//! have been applied in `PRAGMA user_version`; each runs in the transaction
//! that opens the database for writing.

/// Each element upgrades the schema by one version; never edit a released one.
pub const MIGRATIONS: &[&str] = &[V1, V2];

/// `PRAGMA application_id`: the bytes "desk", so that other files are refused.
pub const APPLICATION_ID: i64 = 0x6465_736b;

const V1: &str = r#"
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    login       TEXT NOT NULL UNIQUE,
    name        TEXT,
    email       TEXT,
    admin       INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE classes (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    fold            TEXT NOT NULL UNIQUE,
    title           TEXT,
    description     TEXT,
    owner_id        INTEGER NOT NULL REFERENCES users (id),
    first_response  INTEGER CHECK (first_response BETWEEN 1 AND 315360000),
    resolve         INTEGER CHECK (resolve BETWEEN 1 AND 315360000),
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
) STRICT;

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL CHECK (name <> ''),
    fold        TEXT NOT NULL,
    code        TEXT,
    code_fold   TEXT UNIQUE,
    tax_id      TEXT,
    email       TEXT,
    phone       TEXT,
    address     TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX customers_by_fold ON customers (fold);
CREATE INDEX customers_by_email ON customers (lower(email));

CREATE TABLE tickets (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    subject            TEXT NOT NULL CHECK (subject <> ''),
    class_id           INTEGER NOT NULL REFERENCES classes (id),
    customer_id        INTEGER NOT NULL REFERENCES customers (id),
    channel            TEXT NOT NULL
        CHECK (channel IN ('phone', 'email', 'in-person', 'letter', 'web', 'other')),
    owner_id           INTEGER NOT NULL REFERENCES users (id),
    state              TEXT NOT NULL CHECK (state IN ('new', 'in_progress', 'closed')),
    priority           TEXT NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    due                TEXT,
    opened_at          TEXT NOT NULL,
    opened_by          INTEGER NOT NULL REFERENCES users (id),
    first_activity_at  TEXT,
    last_entry_at      TEXT NOT NULL,
    closed_at          TEXT,
    last_seq           INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX tickets_pending_by_activity ON tickets (last_entry_at)
    WHERE state <> 'closed';
CREATE INDEX tickets_pending_by_owner ON tickets (owner_id, last_entry_at)
    WHERE state <> 'closed';
CREATE INDEX tickets_by_state ON tickets (state, last_entry_at);
CREATE INDEX tickets_by_customer ON tickets (customer_id);
CREATE INDEX tickets_by_class ON tickets (class_id);
CREATE INDEX tickets_by_due ON tickets (due) WHERE due IS NOT NULL AND state <> 'closed';

CREATE TRIGGER tickets_are_kept BEFORE DELETE ON tickets
BEGIN
    SELECT RAISE(ABORT, 'tickets are never deleted; close the ticket instead');
END;
-- INSERT OR REPLACE removes the row it replaces without firing DELETE
-- triggers, and a changed id is a removal too: refuse both.
CREATE TRIGGER tickets_are_not_replaced BEFORE INSERT ON tickets
WHEN EXISTS (SELECT 1 FROM tickets WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'tickets are never replaced; close the ticket instead');
END;
CREATE TRIGGER tickets_keep_their_ids BEFORE UPDATE OF id ON tickets
WHEN NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'ticket ids never change');
END;

CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    seq          INTEGER NOT NULL CHECK (seq > 0),
    kind         TEXT NOT NULL CHECK (kind IN
        ('opened', 'activity', 'assigned', 'moved', 'due', 'closed', 'reopened')),
    text         TEXT NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    os_user      TEXT NOT NULL,
    at           TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    internal     INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    corrects     INTEGER CHECK (corrects > 0 AND corrects < seq),
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (ticket_id, seq)
) STRICT;

-- The history is append-only for every client, not only for desk.
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'history entries are append-only: they cannot be changed');
END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
    SELECT RAISE(ABORT, 'history entries are append-only: they cannot be deleted');
END;
-- Each entry must extend its ticket's chain: the next number, the last hash.
CREATE TRIGGER entries_extend_chain BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE id = NEW.id)
  OR NEW.seq <> 1 + coalesce(
        (SELECT max(seq) FROM entries WHERE ticket_id = NEW.ticket_id), 0)
  OR NEW.prev_hash IS NOT coalesce(
        (SELECT hash FROM entries WHERE ticket_id = NEW.ticket_id AND seq = NEW.seq - 1),
        '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'a history entry must extend its ticket''s hash chain');
END;

-- Counts of pending tickets per owner (owner 0: everyone), kept by the
-- database in the same transaction as every change, so that the login
-- banner never has to count rows.
CREATE TABLE tally (
    owner_id  INTEGER NOT NULL,
    state     TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (owner_id, state)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER tally_insert AFTER INSERT ON tickets
BEGIN
    INSERT INTO tally (owner_id, state, n) VALUES (0, NEW.state, 1), (NEW.owner_id, NEW.state, 1)
        ON CONFLICT (owner_id, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tally_update AFTER UPDATE OF state, owner_id ON tickets
WHEN OLD.state IS NOT NEW.state OR OLD.owner_id IS NOT NEW.owner_id
BEGIN
    UPDATE tally SET n = n - 1
        WHERE state = OLD.state AND owner_id IN (0, OLD.owner_id);
    INSERT INTO tally (owner_id, state, n) VALUES (0, NEW.state, 1), (NEW.owner_id, NEW.state, 1)
        ON CONFLICT (owner_id, state) DO UPDATE SET n = n + 1;
END;
"#;

/// Reminders: what `desk remind --new` has already reported, kept apart from
/// the tickets' history, and the indexes that find late tickets per class.
const V2: &str = r#"
-- One row per fact reported to an owner. A fact is keyed by what made it
-- true (the `basis`: opening time, last entry, due value and reopening), so
-- that it is reported again only when it arises anew.
CREATE TABLE reminded (
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id),
    owner_id     INTEGER NOT NULL REFERENCES users (id),
    reason       TEXT NOT NULL CHECK (reason IN ('first_response', 'stale', 'overdue')),
    basis        TEXT NOT NULL,
    reported_at  TEXT NOT NULL,
    PRIMARY KEY (ticket_id, owner_id, reason, basis)
) STRICT, WITHOUT ROWID;

CREATE INDEX tickets_new_by_class ON tickets (class_id, opened_at)
    WHERE state = 'new';
CREATE INDEX tickets_active_by_class ON tickets (class_id, last_entry_at)
    WHERE state = 'in_progress';
"#;
