"""Schema as commented DDL, versioned with `PRAGMA user_version`, migrated forward at open.

`MIGRATIONS[n - 1]` takes a database from version n - 1 to version n. Never edit a
released migration: append a new one. Each runs in its own IMMEDIATE transaction together
with the `user_version` bump, and re-checks the version inside it, so two processes
opening the same file at once cannot apply a step twice.

Conventions: times are INTEGER microseconds since the Unix epoch, UTC (`storage.sql.codec`);
lists of strings are JSON arrays in TEXT columns; booleans are 0/1 with a CHECK.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from storage.errors import SchemaVersionError
from storage.sqlite.session import Session

_SCHEMA_V1: Final = """
-- Feeds and sites to fetch, with their conditional-GET and failure state.
CREATE TABLE sources (
    id               INTEGER PRIMARY KEY,
    url              TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    tags             TEXT    NOT NULL DEFAULT '[]',        -- JSON array, display form
    interval_seconds INTEGER CHECK (interval_seconds > 0), -- NULL: the global interval
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),  -- 0: gave up
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),  -- admin pause
    etag             TEXT,
    last_modified    TEXT,
    last_fetched_at  INTEGER,                               -- last attempt, any outcome
    last_success_at  INTEGER,
    next_fetch_at    INTEGER,                               -- NULL: never fetched, due now
    failure_count    INTEGER NOT NULL DEFAULT 0,            -- consecutive failures
    last_error       TEXT,
    created_at       INTEGER NOT NULL
);
CREATE INDEX sources_due ON sources (next_fetch_at) WHERE active = 1 AND paused = 0;

-- Articles. Ids are never reused (AUTOINCREMENT): they travel in Telegram buttons.
-- Small columns come first and the long texts last, so that ranking and filtering read
-- only the first page of a row.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    story_id     INTEGER NOT NULL,                  -- earliest article of the near-duplicate
                                                    -- cluster, or id; a grouping key, no FK
    story_at     INTEGER NOT NULL,                  -- min(published_at, fetched_at): recency
    published_at INTEGER,
    fetched_at   INTEGER NOT NULL,                  -- first fetched
    updated_at   INTEGER NOT NULL,                  -- last content change
    simhash      INTEGER NOT NULL,                  -- 64-bit SimHash stored signed
    band0        INTEGER NOT NULL,                  -- simhash bits 0-15, unsigned
    band1        INTEGER NOT NULL,                  -- bits 16-31
    band2        INTEGER NOT NULL,                  -- bits 32-47
    band3        INTEGER NOT NULL,                  -- bits 48-63
    content_hash TEXT    NOT NULL,                  -- of title + summary + body
    language     TEXT,
    guid         TEXT    NOT NULL,
    url          TEXT    NOT NULL,                  -- canonical (tracking parameters gone)
    image_url    TEXT,
    author       TEXT,
    tags         TEXT    NOT NULL DEFAULT '[]',     -- JSON array, display form; indexed by
                                                    -- FTS; filters use article_tags
    related      TEXT    NOT NULL DEFAULT '[]',     -- JSON [{"title", "url", "site"}]
    title        TEXT    NOT NULL,
    summary      TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL DEFAULT '',       -- clean plain text
    UNIQUE (source_id, guid)
);
CREATE INDEX articles_url ON articles (url);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_recent ON articles (story_at);
-- Near-duplicate candidates: an equal band within a time window.
CREATE INDEX articles_band0 ON articles (band0, story_at);
CREATE INDEX articles_band1 ON articles (band1, story_at);
CREATE INDEX articles_band2 ON articles (band2, story_at);
CREATE INDEX articles_band3 ON articles (band3, story_at);

-- Tags by normalised key (news.query.normalize_tag), so `#syria` finds `Syria`.
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    name       TEXT    NOT NULL,                    -- display form as the source wrote it
    PRIMARY KEY (article_id, key)
) WITHOUT ROWID;
CREATE INDEX article_tags_key ON article_tags (key, article_id);

-- Full-text search over articles (external content: the text lives in `articles` only).
-- remove_diacritics 2: `sao paulo` finds `São Paulo`. The prefix index serves as-you-type
-- queries on the last word (migration 6 narrows it to 3-letter prefixes).
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, tags,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
-- Merge index segments in larger steps (default 4): less merge work per inserted batch.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 8);
-- The triggers keep the index in the same transaction as every article write.
CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    VALUES (new.id, new.title, new.summary, new.body, new.tags);
END;
CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', old.id, old.title, old.summary, old.body, old.tags);
END;
CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, summary, body, tags
ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', old.id, old.title, old.summary, old.body, old.tags);
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    VALUES (new.id, new.title, new.summary, new.body, new.tags);
END;

-- Telegram chats the bot posts into.
CREATE TABLE channels (
    id                 INTEGER PRIMARY KEY,
    chat_id            INTEGER NOT NULL UNIQUE,     -- Telegram chat id (-100...)
    username           TEXT,                        -- without '@'
    title              TEXT    NOT NULL DEFAULT '',
    style              TEXT    NOT NULL DEFAULT 'text'
                       CHECK (style IN ('text', 'photo', 'compact')),
    paused             INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    discussion_chat_id INTEGER,                     -- linked discussion group, when known
    created_at         INTEGER NOT NULL
);

-- Which sources go to which channels, with optional filters (JSON arrays).
CREATE TABLE routes (
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    include_words TEXT    NOT NULL DEFAULT '[]',
    exclude_words TEXT    NOT NULL DEFAULT '[]',
    tags          TEXT    NOT NULL DEFAULT '[]',    -- normalised tag keys
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (source_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX routes_channel ON routes (channel_id);

-- Transactional outbox: one row per (article, channel), written with the article.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,        -- claims so far
    last_error   TEXT,
    message_id   INTEGER,                           -- Telegram message id once sent
    created_at   INTEGER NOT NULL,
    available_at INTEGER,                           -- not claimable before (retry later)
    sent_at      INTEGER,
    UNIQUE (article_id, channel_id)
);
CREATE INDEX outbox_claim ON outbox (channel_id, state, id);
CREATE INDEX outbox_state ON outbox (state);

-- Telegram users seen by the bot.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,              -- Telegram user id
    username      TEXT,
    first_name    TEXT    NOT NULL DEFAULT '',
    language_code TEXT,
    blocked       INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
);

-- Articles a user saved.
CREATE TABLE bookmarks (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, article_id)
) WITHOUT ROWID;
CREATE INDEX bookmarks_user_recent ON bookmarks (user_id, created_at);
CREATE INDEX bookmarks_article ON bookmarks (article_id);
"""

_SOURCE_BACKFILL_V2: Final = """
-- How many of a new source's items its first successful fetch queues for its channels
-- (the newest ones); later fetches queue every new article. 0: none, so adding a source
-- never floods a channel.
ALTER TABLE sources ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0 CHECK (backfill >= 0);
"""

_OUTBOX_EDITS_V3: Final = """
-- Edit in place: when a posted article changes (title or lede) within the edit window, its
-- sent rows are marked and the publisher edits the channel message instead of posting again.
ALTER TABLE outbox ADD COLUMN edit_requested_at INTEGER;  -- NULL: nothing to edit
-- How the post was sent: 'text' (a message) or 'caption' (a photo's caption).
ALTER TABLE outbox ADD COLUMN posted_as TEXT CHECK (posted_as IN ('text', 'caption'));
-- Digest of what was posted: an edit that would change nothing is skipped.
ALTER TABLE outbox ADD COLUMN posted_digest TEXT;
CREATE INDEX outbox_edits ON outbox (channel_id, id) WHERE edit_requested_at IS NOT NULL;
"""

_FTS_EXPLICIT_INSERT_V4: Final = """
-- New articles are indexed by the repository itself, with one multi-row statement in the
-- same transaction as the articles (storage/sql/articles.py). Row by row through a trigger,
-- FTS5 indexed them half as fast (measured: 2,500 vs 5,100 articles/s). The update and
-- delete triggers stay: they are rare and must never be forgotten.
DROP TRIGGER articles_fts_after_insert;
"""

_FTS_AUTOMERGE_V5: Final = """
-- Merge full-text index segments 16 at a time instead of 8: bulk ingestion spends ~15% less
-- CPU in the index (measured at 20k articles), for slightly more segments to read per query.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
"""

_FTS_PREFIX_3_V6: Final = """
-- The prefix index keeps only 3-letter prefixes: as-you-type matching starts at the third
-- letter of the last word (news.query.MIN_PREFIX_CHARS); longer prefixes are narrow enough
-- to scan. Indexing 2-letter prefixes too cost 27% of the indexing speed (measured at 20k
-- articles). The index is rebuilt from the articles; the triggers on `articles` refer to
-- the table by name and keep working.
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, tags,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
"""

_SHARES_V7: Final = """
-- Stories users sent from inline mode (chosen_inline_result; needs inline feedback on in
-- BotFather). One row per choice: a story shared twice counts twice.
CREATE TABLE shares (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,                    -- Telegram user id (no FK: a share is
                                                    -- kept even if the user row is not)
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    result_id  TEXT    NOT NULL,                    -- the inline result id Telegram echoed
    chosen_at  INTEGER NOT NULL
);
CREATE INDEX shares_article ON shares (article_id, chosen_at);
"""

_DISCUSSION_V8: Final = """
-- Discussion replies: whether the bot answers its posts' copies in the channel's linked
-- discussion group with related coverage (on by default).
ALTER TABLE channels ADD COLUMN discussion_replies INTEGER NOT NULL DEFAULT 1
    CHECK (discussion_replies IN (0, 1));

-- Comment threads: Telegram's automatic forward of a channel post into the linked group
-- (its message id there is the thread id) and the article that post carried.
CREATE TABLE discussion_threads (
    chat_id    INTEGER NOT NULL,                    -- the discussion group's Telegram id
    thread_id  INTEGER NOT NULL,                    -- message id of the forward in the group
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, thread_id)
) WITHOUT ROWID;
CREATE INDEX discussion_threads_article ON discussion_threads (article_id);

-- Comments: one row per message replying in a thread; the key makes a redelivered update
-- count once.
CREATE TABLE comments (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id    INTEGER,                             -- the commenter; NULL when a chat spoke
    created_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
) WITHOUT ROWID;
CREATE INDEX comments_article ON comments (article_id, created_at);
CREATE INDEX comments_recent ON comments (created_at);

-- /trending reads the last day's saves and shares by time.
CREATE INDEX bookmarks_recent ON bookmarks (created_at);
CREATE INDEX shares_recent ON shares (chosen_at);
"""

_FOLLOWS_V9: Final = """
-- Personal alerts: a user's standing searches (/follow), in the inline query language.
CREATE TABLE follows (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    query      TEXT    NOT NULL,                    -- as typed, whitespace collapsed
    query_key  TEXT    NOT NULL,                    -- canonical form: one follow per key
    paused     INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),  -- 1: user blocked us
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, query_key)
);

-- New articles waiting to be matched against the follows; written by ingestion in the
-- transaction that stores the articles (so a crash loses none), emptied by the matcher.
CREATE TABLE alert_queue (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE
);

-- One row per (user, article): an article is alerted to a user at most once, whichever
-- and however many of their follows match it.
CREATE TABLE alerts (
    user_id      INTEGER NOT NULL,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    follow_id    INTEGER NOT NULL REFERENCES follows (id) ON DELETE CASCADE,  -- first match
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'dropped')),
    attempts     INTEGER NOT NULL DEFAULT 0,        -- failed sends worth retrying
    available_at INTEGER,                           -- not sent before (a retry later)
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER,
    PRIMARY KEY (user_id, article_id)
) WITHOUT ROWID;
CREATE INDEX alerts_pending ON alerts (user_id) WHERE state = 'pending';
CREATE INDEX alerts_follow ON alerts (follow_id);
"""

_HEADLINES_FTS_V10: Final = """
-- A second, small full-text index over titles and tags only. Search ranks the newest
-- matches in titles and in tags beside the newest matches anywhere; filtering the big
-- index by column reads every posting of a term (1.6 ms for a common body word at 100k
-- articles, growing with the archive), this index holds only headline postings (0.2 ms
-- at 1M). New articles are
-- indexed by the repository, like articles_fts; updates and deletes by triggers.
CREATE VIRTUAL TABLE headlines_fts USING fts5 (
    title, tags,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);
INSERT INTO headlines_fts (headlines_fts) VALUES ('rebuild');
CREATE TRIGGER headlines_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO headlines_fts (headlines_fts, rowid, title, tags)
    VALUES ('delete', old.id, old.title, old.tags);
END;
CREATE TRIGGER headlines_fts_after_update AFTER UPDATE OF title, tags ON articles BEGIN
    INSERT INTO headlines_fts (headlines_fts, rowid, title, tags)
    VALUES ('delete', old.id, old.title, old.tags);
    INSERT INTO headlines_fts (rowid, title, tags) VALUES (new.id, new.title, new.tags);
END;
"""

_STORY_TIME_BY_ID_V11: Final = """
-- Search scores a few hundred candidate ids by story time; reading it from this narrow
-- index instead of the wide article rows (bodies included) makes ranking 1.4x faster at
-- 1M articles (measured: 2.6 -> 1.8 ms per query), since the index stays in the cache.
CREATE INDEX articles_story_time_by_id ON articles (id, story_at);
"""

_HEADLINES_VOCAB_V12: Final = """
-- The words of the headline index, read by range to complete an unfinished last word of a
-- search (storage/sqlite/search.py): FTS5 then reads `("word1" OR "word2")` newest-first instead
-- of merging every posting of the prefix (20 ms for a common one at 1M articles). A view
-- over the index: it stores nothing.
CREATE VIRTUAL TABLE headlines_vocab USING fts5vocab (headlines_fts, 'row');
"""

_SOURCE_SKIPPED_ENTRIES_V13: Final = """
-- Entries of the last fetched document that could not be read (an invalid character, a
-- malformed field): they are left out, the others stored; `sources list` shows the count.
ALTER TABLE sources ADD COLUMN skipped_entries INTEGER NOT NULL DEFAULT 0;
"""

_MINI_APP_V14: Final = """
-- The Mini App: a bookmark can be marked read (NULL: unread), a follow paused by its user
-- (unlike `paused`, which follows the user blocking the bot and is lifted when they come
-- back), and the admin chart counts posts per day by when they were sent.
ALTER TABLE bookmarks ADD COLUMN read_at INTEGER;
ALTER TABLE follows ADD COLUMN muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1));
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
"""

_LEASES_V15: Final = """
-- Named leases with an expiry (microseconds of the database's clock): who polls, who works a
-- channel's outbox, who runs a daily job. On SQLite one process holds them all (the run
-- lock); the table exists so that the same code runs on both engines.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX leases_holder ON leases (holder);
"""

_ROUTE_OPTIONS_V16: Final = """
-- Routes get a stable id (shown by `routes list`, named by `routes set ID`) and their
-- options; channels get quiet hours. SQLite cannot add a primary key to a table, so
-- `routes` is rebuilt (nothing references it); existing routes are numbered by age.
CREATE TABLE routes_v16 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: admins name it
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    include_words TEXT    NOT NULL DEFAULT '[]',
    exclude_words TEXT    NOT NULL DEFAULT '[]',
    tags          TEXT    NOT NULL DEFAULT '[]',    -- normalised tag keys
    created_at    INTEGER NOT NULL,
    template      TEXT,                             -- NULL: the channel style's layout
    link_preview  TEXT    CHECK (link_preview IN ('off', 'on', 'large')),  -- NULL: style's
    silent        INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),  -- no notification
    topic_id      INTEGER,                          -- forum topic (message_thread_id)
    topic_name    TEXT,
    topic_error   TEXT,                             -- the topic closed or gone: why
    UNIQUE (source_id, channel_id)
);
INSERT INTO routes_v16 (source_id, channel_id, include_words, exclude_words, tags, created_at)
SELECT source_id, channel_id, include_words, exclude_words, tags, created_at FROM routes
ORDER BY created_at, source_id, channel_id;
DROP TABLE routes;
ALTER TABLE routes_v16 RENAME TO routes;
CREATE INDEX routes_channel ON routes (channel_id);

-- Quiet hours: whole local hours [start, end) in the channel's IANA time zone (NULL: UTC)
-- when its posts wait in the outbox; both NULL: none.
ALTER TABLE channels ADD COLUMN timezone TEXT;
ALTER TABLE channels ADD COLUMN quiet_start INTEGER CHECK (quiet_start BETWEEN 0 AND 23);
ALTER TABLE channels ADD COLUMN quiet_end INTEGER CHECK (quiet_end BETWEEN 0 AND 23);
"""

_ALBUMS_V17: Final = """
-- Albums: an article's images in order (JSON array of http(s) URLs, at most 10), and a row
-- posted as a media group: the photo URLs it sent and the message ids of its items (JSON
-- arrays; `message_id` is the first, the one with the caption), recorded as soon as
-- Telegram answers the media group, then the follow-up message that carries the buttons.
ALTER TABLE articles ADD COLUMN image_urls TEXT NOT NULL DEFAULT '[]';
ALTER TABLE outbox ADD COLUMN album TEXT NOT NULL DEFAULT '[]';
ALTER TABLE outbox ADD COLUMN album_message_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE outbox ADD COLUMN buttons_message_id INTEGER;
"""

_FTS_BODY_HEAD_V18: Final = """
-- The full-text index takes the first 2,000 characters of a body (FTS_BODY_CHARS in
-- storage/sql/ranking.py), not all of it: indexing was most of the CPU an ingest spends
-- in this process (issue 18: 35% less FTS5 work on bodies of 2-5 KB). Titles, summaries
-- and tags stay whole; a word said only further down a long body is not found. The index
-- reads its text through a view that cuts the body the same way, so 'rebuild', snippets,
-- integrity checks and the delete/update triggers all see what was indexed.
CREATE VIEW articles_fts_text AS
    SELECT id, title, summary, substr(body, 1, 2000) AS body, tags FROM articles;
DROP TRIGGER articles_fts_after_delete;
DROP TRIGGER articles_fts_after_update;
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, tags,
    content = 'articles_fts_text',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', old.id, old.title, old.summary, substr(old.body, 1, 2000), old.tags);
END;
CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, summary, body, tags
ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', old.id, old.title, old.summary, substr(old.body, 1, 2000), old.tags);
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    VALUES (new.id, new.title, new.summary, substr(new.body, 1, 2000), new.tags);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
"""

_INLINE_RESULTS_V19: Final = """
-- Inline results rendered once (bot.services.inline): an article's InlineQueryResultArticle
-- as Bot API JSON text, per article and language of the asker. `updated_at` and
-- `content_hash` are the article version it shows (an edit makes it stale); `rendered_at`
-- dates what else it shows (source name, related headlines), rendered again after a while.
-- A cache: rows may go.
CREATE TABLE inline_results (
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    language    TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    content_hash TEXT    NOT NULL,
    rendered_at  INTEGER NOT NULL,
    result      TEXT    NOT NULL,                  -- JSON object
    PRIMARY KEY (article_id, language)
);
"""

_REACTIONS_V20: Final = """
-- Reactions on the bot's channel posts: Telegram's latest anonymous totals per reaction
-- (message_reaction_count updates), one row per (post, reaction). An update replaces the
-- post's rows; an update older than the stored one is ignored. `reaction` is the emoji,
-- `custom:<id>` for a custom emoji, or `paid` for paid (star) reactions.
CREATE TABLE reactions (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,                    -- the post in the channel
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    reaction   TEXT    NOT NULL,
    count      INTEGER NOT NULL CHECK (count > 0),
    changed_at INTEGER NOT NULL,                    -- the update's date
    PRIMARY KEY (channel_id, message_id, reaction)
) WITHOUT ROWID;
CREATE INDEX reactions_article ON reactions (article_id);
CREATE INDEX reactions_recent ON reactions (changed_at);
"""

_DAILY_DIGEST_V21: Final = """
-- The local hour of a channel's daily digest (NULL: none), in the channel's time zone
-- (migration 16), and the language of its heading (NULL: English).
ALTER TABLE channels ADD COLUMN digest_hour INTEGER CHECK (digest_hour BETWEEN 0 AND 23);
ALTER TABLE channels ADD COLUMN digest_language TEXT;  -- of its heading; NULL: English

-- Daily digests: one row per (channel, local day), inserted (claimed) before anything is
-- sent, so a day's digest is composed and posted once, whatever restarts or processes.
-- Then sent like an outbox row: pending -> sending -> sent | failed; 'empty': nothing to post.
CREATE TABLE digests (
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    day          TEXT    NOT NULL,                  -- the channel's local date, YYYY-MM-DD
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'empty')),
    html         TEXT    NOT NULL,                  -- the post, rendered when claimed
    article_ids  TEXT    NOT NULL DEFAULT '[]',     -- JSON array: the stories it lists
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    message_id   INTEGER,
    created_at   INTEGER NOT NULL,
    available_at INTEGER,                           -- not claimable before (a retry)
    sent_at      INTEGER,
    PRIMARY KEY (channel_id, day)
) WITHOUT ROWID;
CREATE INDEX digests_state ON digests (state, channel_id);
"""

_FULL_TEXT_PAGES_V22: Final = """
-- Full text inside Telegram: a route may publish each article's full text as a Telegraph
-- page (Instant View) and link it from the post.
ALTER TABLE routes ADD COLUMN full_text INTEGER NOT NULL DEFAULT 0 CHECK (full_text IN (0, 1));

-- The bot's Telegraph account, created once (one row); its token creates and edits pages.
CREATE TABLE telegraph_account (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    short_name   TEXT    NOT NULL,
    access_token TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

-- One Telegraph page per article, shared by every full-text route that posts it. A page
-- Telegraph did not create yet is `pending` (retried with backoff from `available_at`;
-- its posts went out without the link and are edited once it exists); `failed` gave up.
CREATE TABLE telegraph_pages (
    article_id     INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    state          TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'created', 'failed')),
    path           TEXT,                            -- Telegraph's path, for editPage
    url            TEXT,                            -- the public page, once created
    truncated      INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    content_digest TEXT,                            -- of what the page shows (edits)
    attempts       INTEGER NOT NULL DEFAULT 0,      -- failed calls so far
    available_at   INTEGER,                         -- not retried before
    last_error     TEXT,
    created_at     INTEGER NOT NULL,
    done_at        INTEGER                          -- created or given up
);
CREATE INDEX telegraph_pages_due ON telegraph_pages (available_at) WHERE state = 'pending';
"""

_SEND_BUDGET_V23: Final = """
-- The bot's overall send window shared by processes (PostgreSQL's migration 16). On
-- SQLite one process sends alone and never uses it; the table exists so that the same
-- code (and its contract tests) runs on both engines.
CREATE TABLE send_budget (
    holder        TEXT    PRIMARY KEY,
    places        INTEGER NOT NULL CHECK (places >= 0),         -- held until expires_at
    wants         INTEGER NOT NULL CHECK (wants >= 0),
    weight        INTEGER NOT NULL CHECK (weight >= 1),
    cooling       INTEGER NOT NULL DEFAULT 0 CHECK (cooling >= 0),  -- given back, counted
    cooling_until INTEGER NOT NULL DEFAULT 0,                     -- ... until then
    expires_at    INTEGER NOT NULL
);
INSERT INTO send_budget (holder, places, wants, weight, expires_at) VALUES ('', 0, 0, 1, 0);
"""

_COVERING_BANDS_V24: Final = """
-- Near-duplicate candidates are read from the band indexes alone: each also holds what the
-- lookup reads (source, SimHash, story), so the article rows (bodies, overflow pages and
-- all) are not read for the tens of candidates a draft has at 100k articles (issue 18);
-- headlines and summaries are read by id for the few within distance.
DROP INDEX articles_band0;
DROP INDEX articles_band1;
DROP INDEX articles_band2;
DROP INDEX articles_band3;
CREATE INDEX articles_band0 ON articles (band0, story_at, source_id, simhash, story_id);
CREATE INDEX articles_band1 ON articles (band1, story_at, source_id, simhash, story_id);
CREATE INDEX articles_band2 ON articles (band2, story_at, source_id, simhash, story_id);
CREATE INDEX articles_band3 ON articles (band3, story_at, source_id, simhash, story_id);
"""

MIGRATIONS: Final[tuple[str, ...]] = (
    _SCHEMA_V1,
    _SOURCE_BACKFILL_V2,
    _OUTBOX_EDITS_V3,
    _FTS_EXPLICIT_INSERT_V4,
    _FTS_AUTOMERGE_V5,
    _FTS_PREFIX_3_V6,
    _SHARES_V7,
    _DISCUSSION_V8,
    _FOLLOWS_V9,
    _HEADLINES_FTS_V10,
    _STORY_TIME_BY_ID_V11,
    _HEADLINES_VOCAB_V12,
    _SOURCE_SKIPPED_ENTRIES_V13,
    _MINI_APP_V14,
    _LEASES_V15,
    _ROUTE_OPTIONS_V16,
    _ALBUMS_V17,
    _FTS_BODY_HEAD_V18,
    _INLINE_RESULTS_V19,
    _REACTIONS_V20,
    _DAILY_DIGEST_V21,
    _FULL_TEXT_PAGES_V22,
    _SEND_BUDGET_V23,
    _COVERING_BANDS_V24,
)
"""Forward migrations; the schema version is their count."""

SCHEMA_VERSION: Final = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (triggers' inner `;` included)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            if statement.strip(";").strip() and not _only_comments(statement):
                statements.append(statement)
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending!r}")
    return statements


def _only_comments(text: str) -> bool:
    """Return whether `text` holds nothing but `--` comments and whitespace."""
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


async def schema_version(session: Session) -> int:
    """Return the database's `PRAGMA user_version`."""
    row = await session.fetchone("PRAGMA user_version")
    return int(row[0]) if row is not None else 0


async def migrate(session: Session) -> int:
    """Apply every migration the database lacks and return the resulting version."""
    current = await schema_version(session)
    if current > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"database schema version {current} is newer than this newsbot's "
            f"{SCHEMA_VERSION}; upgrade newsbot"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        async with session.transaction():
            if await schema_version(session) >= version:
                continue  # another process applied it while we waited for the lock
            for statement in split_statements(MIGRATIONS[version - 1]):
                await session.execute(statement)
            await session.execute(f"PRAGMA user_version = {version:d}")
    return await schema_version(session)
