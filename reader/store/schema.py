"""Ordered schema steps.

Each step is recorded in ``schema_migrations`` and the newest version is mirrored in
``PRAGMA user_version`` so that any SQLite tool can tell which version of reader wrote a file.
Steps only ever get appended: a released step is never edited.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One step: plain SQL, run with its bookkeeping in a single transaction."""

    version: int
    name: str
    sql: str


INITIAL_SCHEMA = """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            abstract TEXT NOT NULL DEFAULT '',
            listed TEXT,
            added TEXT NOT NULL,
            rating INTEGER CHECK (rating BETWEEN 1 AND 5),
            status TEXT NOT NULL DEFAULT 'unread'
                CHECK (status IN ('unread', 'reading', 'read')),
            read_at TEXT
        );
        CREATE INDEX papers_status ON papers (status);

        CREATE TABLE files (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            listed TEXT NOT NULL DEFAULT '',
            added TEXT NOT NULL,
            UNIQUE (name, listed)
        );

        CREATE TABLE sources (
            paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
            file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
            PRIMARY KEY (paper_id, file_id)
        );
        CREATE INDEX sources_file ON sources (file_id);

        CREATE TABLE links (
            paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (paper_id, url)
        );
        CREATE INDEX links_kind ON links (kind, paper_id);

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        );

        CREATE TABLE paper_tags (
            paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
            PRIMARY KEY (paper_id, tag_id)
        );
        CREATE INDEX paper_tags_tag ON paper_tags (tag_id, paper_id);

        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            quote TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX annotations_paper ON annotations (paper_id);

        CREATE TABLE lists (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            description TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        );

        CREATE TABLE list_items (
            list_id INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            added TEXT NOT NULL,
            PRIMARY KEY (list_id, paper_id)
        );
        CREATE INDEX list_items_order ON list_items (list_id, position);
        CREATE INDEX list_items_paper ON list_items (paper_id);

        CREATE TABLE undo_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,
            description TEXT NOT NULL,
            changes TEXT NOT NULL
        );

        -- Titles keep positions (phrases, column weights, ranking); abstracts keep only which
        -- papers hold a word, which is all matching needs and a third of the size and time.
        CREATE VIRTUAL TABLE titles_fts USING fts5 (
            title,
            content = 'papers', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE VIRTUAL TABLE abstracts_fts USING fts5 (
            abstract,
            content = 'papers', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2',
            detail = none, columnsize = 0,
            -- a prefix index answers a word being typed ("mod") without expanding it into
            -- every term it starts (model, modal, module...)
            prefix = '3'
        );
        CREATE VIRTUAL TABLE titles_vocab USING fts5vocab (titles_fts, 'row');

        CREATE VIRTUAL TABLE annotations_fts USING fts5 (
            body, quote,
            content = 'annotations', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER annotations_ai AFTER INSERT ON annotations BEGIN
            INSERT INTO annotations_fts (rowid, body, quote)
            VALUES (new.id, new.body, coalesce(new.quote, ''));
        END;
        CREATE TRIGGER annotations_ad AFTER DELETE ON annotations BEGIN
            INSERT INTO annotations_fts (annotations_fts, rowid, body, quote)
            VALUES ('delete', old.id, old.body, coalesce(old.quote, ''));
        END;
        CREATE TRIGGER annotations_au AFTER UPDATE ON annotations BEGIN
            INSERT INTO annotations_fts (annotations_fts, rowid, body, quote)
            VALUES ('delete', old.id, old.body, coalesce(old.quote, ''));
            INSERT INTO annotations_fts (rowid, body, quote)
            VALUES (new.id, new.body, coalesce(new.quote, ''));
        END;
"""

# A paper becomes a bibliographic record. Authors are kept as JSON pairs [family, given] in
# order; the title index now covers authors too, read through a view that spells them out.
RECORD_SCHEMA = """
        ALTER TABLE papers ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE papers ADD COLUMN year INTEGER CHECK (year BETWEEN 1 AND 9999);
        ALTER TABLE papers ADD COLUMN month INTEGER CHECK (month BETWEEN 1 AND 12);
        ALTER TABLE papers ADD COLUMN venue TEXT NOT NULL DEFAULT '';
        ALTER TABLE papers ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
        ALTER TABLE papers ADD COLUMN entry_type TEXT NOT NULL DEFAULT 'misc';
        ALTER TABLE papers ADD COLUMN citekey TEXT COLLATE NOCASE;
        ALTER TABLE papers ADD COLUMN arxiv TEXT;
        ALTER TABLE papers ADD COLUMN doi TEXT;
        ALTER TABLE papers ADD COLUMN url TEXT;
        ALTER TABLE papers ADD COLUMN categories TEXT NOT NULL DEFAULT '';
        -- Fields a person set by hand (space-separated): enrichment never overwrites them.
        ALTER TABLE papers ADD COLUMN edited TEXT NOT NULL DEFAULT '';
        -- When a person last changed the paper (rating, status, tags, notes, lists, edits).
        ALTER TABLE papers ADD COLUMN changed TEXT;
        -- Triage: 'new' papers arrived in an import and await a decision; 'kept' and 'skipped'
        -- are decisions; 'seen' is everything else (papers from before, papers acted on).
        ALTER TABLE papers ADD COLUMN triage TEXT NOT NULL DEFAULT 'seen'
            CHECK (triage IN ('new', 'kept', 'skipped', 'seen'));
        -- The import or add that first brought the paper (see batches).
        ALTER TABLE papers ADD COLUMN batch_id INTEGER;
        CREATE INDEX papers_triage ON papers (triage) WHERE triage != 'seen';
        CREATE INDEX papers_changed ON papers (changed) WHERE changed IS NOT NULL;
        -- Steps undone, newest last, that redo makes again (a new change empties it).
        CREATE TABLE redo_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,
            description TEXT NOT NULL,
            changes TEXT NOT NULL
        );
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created TEXT NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            papers INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX papers_citekey ON papers (citekey) WHERE citekey IS NOT NULL;
        CREATE UNIQUE INDEX papers_arxiv ON papers (arxiv) WHERE arxiv IS NOT NULL;
        CREATE UNIQUE INDEX papers_doi ON papers (doi) WHERE doi IS NOT NULL;
        CREATE INDEX papers_year ON papers (year);

        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            sha256 TEXT,
            added TEXT NOT NULL,
            UNIQUE (paper_id, path)
        );

        CREATE VIEW paper_text AS
            SELECT id, title, (
                SELECT coalesce(group_concat(
                    trim(json_extract(value, '$[1]') || ' ' || json_extract(value, '$[0]')), '; '
                ), '')
                FROM json_each(papers.authors)
            ) AS authors
            FROM papers;
        DROP TABLE titles_vocab;
        DROP TABLE titles_fts;
        CREATE VIRTUAL TABLE titles_fts USING fts5 (
            title, authors,
            content = 'paper_text', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO titles_fts (rowid, title, authors) SELECT id, title, authors FROM paper_text;
        -- A word in the title counts for more than the same word in an author's name.
        INSERT INTO titles_fts (titles_fts, rank) VALUES ('rank', 'bm25(10.0, 3.0)');
        CREATE VIRTUAL TABLE titles_vocab USING fts5vocab (titles_fts, 'row');
        -- In how many abstracts each word appears: the document frequencies of "related".
        -- Counting a common word's postings takes a millisecond, so they are copied into
        -- term_df whenever the library has grown by a tenth (stats holds when it was done).
        CREATE VIRTUAL TABLE abstracts_vocab USING fts5vocab (abstracts_fts, 'row');
        CREATE TABLE term_df (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE stats (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO term_df (term, docs) SELECT term, doc FROM abstracts_vocab;
        INSERT INTO stats (name, value) SELECT 'term_df_papers', count(*) FROM papers;
"""

# Titles arXiv had no entry for, so that ``reader enrich`` does not ask again (a new title is
# asked about again). No foreign key: a cache, not part of any change that undo replays.
LOOKUP_MISSES_SCHEMA = """
        CREATE TABLE lookup_misses (
            paper_id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            looked_at TEXT NOT NULL
        );
"""

# The text search reads (the titles', abstracts' and notes' indexes) has a version: a random
# number drawn again in the same transaction as every change to it, by ``indexing`` for titles
# and abstracts and by the notes' triggers. Matches worked out at one version hold for any file
# at that version (a copy left unchanged, a rolled-back change), and a tag or a rating leaves it
# as it is. Random rather than counted: two copies of a library changed apart never meet at the
# same number. No older reader opens a library from this step on, so none can change the text
# without drawing it.
TEXT_VERSION_SCHEMA = """
        INSERT OR REPLACE INTO stats (name, value) VALUES ('text_version', random());
        DROP TRIGGER annotations_ai;
        DROP TRIGGER annotations_ad;
        DROP TRIGGER annotations_au;
        CREATE TRIGGER annotations_ai AFTER INSERT ON annotations BEGIN
            INSERT INTO annotations_fts (rowid, body, quote)
            VALUES (new.id, new.body, coalesce(new.quote, ''));
            UPDATE stats SET value = random() WHERE name = 'text_version';
        END;
        CREATE TRIGGER annotations_ad AFTER DELETE ON annotations BEGIN
            INSERT INTO annotations_fts (annotations_fts, rowid, body, quote)
            VALUES ('delete', old.id, old.body, coalesce(old.quote, ''));
            UPDATE stats SET value = random() WHERE name = 'text_version';
        END;
        CREATE TRIGGER annotations_au AFTER UPDATE ON annotations BEGIN
            INSERT INTO annotations_fts (annotations_fts, rowid, body, quote)
            VALUES ('delete', old.id, old.body, coalesce(old.quote, ''));
            INSERT INTO annotations_fts (rowid, body, quote)
            VALUES (new.id, new.body, coalesce(new.quote, ''));
            UPDATE stats SET value = random() WHERE name = 'text_version';
        END;
"""

# The text base: like the text version, drawn again by every change of the indexed titles,
# authors and abstracts, but not when papers are only appended (an import of new papers).
# A match worked out at a base holds for every paper that was in the library then; the papers
# appended since are read on their own, so an import does not make a large library's kept
# matches useless.
TEXT_BASE_SCHEMA = """
        INSERT OR REPLACE INTO stats (name, value) VALUES ('text_base', random());
"""

# Each paper's export stamp: a random number drawn again, by these triggers in the same
# transaction, when what an export writes of the paper is updated or deleted (its row, sources
# and their files, tags and their names, links, notes, lists and their names, attached files).
# Rows added are told by their number instead: every row of those tables a paper has is counted
# beside its stamp (``Catalog.export_stamps``), and a row added without one deleted or updated
# (which draws a stamp) makes the count larger. So no trigger fires on an insert: a trigger on
# a table makes SQLite journal every statement that writes it, which at an import's hundreds of
# thousands of rows cost more than the import. Deleting a paper draws a stamp for its id, so a
# paper given that id again (undo, a restore) never shows the stamp of the one before. An
# export's rendered entries are kept under (library, paper, stamp and count) in the user cache
# folder (``reader.kept_exports``) and used again only while both are the same. Random rather
# than counted, like the text version: copies of a library changed apart never meet at one.
#
# A stamp is drawn by deleting the paper's row and inserting a new one, never by INSERT OR
# REPLACE: a trigger's conflict clause gives way to the statement's that fired it, so under
# an UPDATE OR IGNORE a replace would keep the old stamp.


def _draw(paper: str) -> str:
    """Statements drawing a new stamp for the paper whose id ``paper`` gives."""
    return f"""
            DELETE FROM export_stamps WHERE paper_id = {paper};
            INSERT INTO export_stamps (paper_id, stamp) VALUES ({paper}, random());"""


def _draw_all(papers: str) -> str:
    """Statements drawing a new stamp for each paper a query (of distinct ids) gives."""
    return f"""
            DELETE FROM export_stamps WHERE paper_id IN ({papers});
            INSERT INTO export_stamps (paper_id, stamp)
                SELECT paper_id, random() FROM ({papers});"""


def _stamped_by(table: str, column: str = "paper_id") -> str:
    """Triggers drawing the stamp of the paper a row of ``table`` belongs to when the row is
    updated or deleted (a row added is counted: see above)."""
    return f"""
        CREATE TRIGGER {table}_stamp_ad AFTER DELETE ON {table} BEGIN{_draw(f"old.{column}")}
        END;
        CREATE TRIGGER {table}_stamp_au AFTER UPDATE ON {table} BEGIN{_draw(f"new.{column}")}
        END;
        CREATE TRIGGER {table}_stamp_moved AFTER UPDATE OF {column} ON {table}
        WHEN old.{column} IS NOT new.{column} BEGIN{_draw(f"old.{column}")}
        END;"""


def _stamped_papers() -> str:
    """The papers' own triggers: none on insert (a new paper needs no stamp, as none was kept
    for its id; no code puts a row in place of another)."""
    return f"""
        CREATE TRIGGER papers_stamp_ad AFTER DELETE ON papers BEGIN{_draw("old.id")}
        END;
        CREATE TRIGGER papers_stamp_au AFTER UPDATE ON papers BEGIN{_draw("new.id")}
        END;
        CREATE TRIGGER papers_stamp_moved AFTER UPDATE OF id ON papers
        WHEN old.id IS NOT new.id BEGIN{_draw("old.id")}
        END;"""


def _stamped_through(table: str, rows: str, key: str) -> str:
    """A trigger drawing the stamps of every paper whose rows in ``rows`` point at a renamed
    (updated) row of ``table`` through ``key``."""
    papers = f"SELECT paper_id FROM {rows} WHERE {key} = new.id"
    return f"""
        CREATE TRIGGER {table}_stamp_au AFTER UPDATE ON {table} BEGIN{_draw_all(papers)}
        END;"""


EXPORT_STAMPS_SCHEMA = (
    """
        CREATE TABLE export_stamps (paper_id INTEGER PRIMARY KEY, stamp INTEGER NOT NULL);
        INSERT OR REPLACE INTO stats (name, value) VALUES ('library_id', random());"""
    + _stamped_papers()
    + "".join(
        _stamped_by(table)
        for table in ("sources", "paper_tags", "links", "annotations", "list_items", "attachments")
    )
    + _stamped_through("files", "sources", "file_id")
    + _stamped_through("tags", "paper_tags", "tag_id")
    + _stamped_through("lists", "list_items", "list_id")
    + "\n"
)


def _stamped_when_gone(table: str, rows: str, key: str) -> str:
    """A trigger drawing the stamps of every paper whose rows in ``rows`` point at a deleted
    row of ``table``: with foreign keys on (as reader writes) the cascade deletes those rows and
    their own triggers draw them; a program writing with foreign keys off leaves them behind."""
    papers = f"SELECT paper_id FROM {rows} WHERE {key} = old.id"
    return f"""
        CREATE TRIGGER {table}_stamp_ad AFTER DELETE ON {table} BEGIN{_draw_all(papers)}
        END;"""


EXPORT_STAMPS_GONE_SCHEMA = (
    _stamped_when_gone("files", "sources", "file_id")
    + _stamped_when_gone("tags", "paper_tags", "tag_id")
    + _stamped_when_gone("lists", "list_items", "list_id")
    + "\n"
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", INITIAL_SCHEMA),
    Migration(2, "bibliographic record", RECORD_SCHEMA),
    Migration(3, "titles arXiv did not have", LOOKUP_MISSES_SCHEMA),
    Migration(4, "a version of the text search reads", TEXT_VERSION_SCHEMA),
    Migration(5, "a base of the text search reads", TEXT_BASE_SCHEMA),
    Migration(6, "export stamps", EXPORT_STAMPS_SCHEMA),
    Migration(7, "export stamps of rows left behind", EXPORT_STAMPS_GONE_SCHEMA),
)

LATEST_VERSION = MIGRATIONS[-1].version
# The oldest schema this version reads as it is, when it cannot be upgraded (read-only media):
# steps 4 to 7 add only what writers, the kept search matches and the kept exports use.
READABLE_FROM = 3
