"""The `reader` library's side of bench/ingest.py; runs inside reader's own venv.

Usage: python reader_side.py DB_PATH URL_LIST_FILE WORKERS — prints one JSON line of timings.
"""

import json
import sys
import time

from reader import make_reader


def main() -> None:
    """Add the feeds, update them, index them for search, and print the timings."""
    db_path, url_file, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(url_file, encoding="utf-8") as handle:
        urls = [line.strip() for line in handle if line.strip()]
    reader = make_reader(db_path)
    for url in urls:
        reader.add_feed(url)
    reader.enable_search()
    start = time.perf_counter()
    reader.update_feeds(workers=workers)
    updated = time.perf_counter()
    reader.update_search()
    indexed = time.perf_counter()
    entries = reader.get_entry_counts().total
    reader.close()
    print(
        json.dumps(
            {
                "entries": entries,
                "update_seconds": updated - start,
                "search_seconds": indexed - updated,
                "total_seconds": indexed - start,
            }
        )
    )


if __name__ == "__main__":
    main()
