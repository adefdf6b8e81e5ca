"""Two processes writing at once, and a process killed mid-write: nothing lost, nothing half-written."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from sponsortrack.services.demo import load_demo
from sponsortrack.store import Store

WRITER = textwrap.dedent("""
    import sys
    from sponsortrack.store import Store
    from sponsortrack.services import reads, catalog
    store = Store(sys.argv[1])
    ep = catalog.resolve_episode(store, "Practical AI", sys.argv[2])
    for i in range(int(sys.argv[3])):
        reads.log_read(store, ep.id, sponsor="Brave", placement="mid", notes=f"{sys.argv[4]} {i}")
    print("done", flush=True)
""")

BIG_BATCH = textwrap.dedent("""
    import sys, time
    from sponsortrack.store import Store
    from sponsortrack.services import reads, catalog
    store = Store(sys.argv[1])
    ep = catalog.resolve_episode(store, "Practical AI", "62")
    n = int(sys.argv[2])
    kill_after = int(sys.argv[3])
    seen = 0
    def trace(sql):
        global seen
        if sql.startswith("INSERT INTO ad_reads"):
            seen += 1
            if seen == kill_after:
                print("MID", flush=True)
                time.sleep(30)
    store.conn.set_trace_callback(trace)
    reads.log_reads(store, ep.id, [{"sponsor": "Fastly", "placement": "post", "notes": f"bulk {i}"}
                                   for i in range(n)])
    print("done", flush=True)
""")


@pytest.fixture
def demo_db(db_path):
    s = Store(db_path)
    load_demo(s)
    s.close()
    return db_path


def count(db_path, where="1"):
    s = Store(db_path)
    try:
        return s.scalar(f"SELECT count(*) FROM ad_reads WHERE {where}")
    finally:
        s.close()


def test_two_processes_writing_reads_at_once_both_succeed(demo_db):
    before = count(demo_db)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(demo_db), ep, "150", tag],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for ep, tag in (("61", "A"), ("62", "B"))]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err and out.strip() == "done"
    assert count(demo_db) == before + 300
    assert count(demo_db, "notes LIKE 'A %'") == 150
    assert count(demo_db, "notes LIKE 'B %'") == 150


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_batch_leaves_database_intact_and_batch_absent(demo_db):
    before = count(demo_db)
    proc = subprocess.Popen([sys.executable, "-c", BIG_BATCH, str(demo_db), "5000", "2500"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip() == "MID", proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    s = Store(demo_db)
    assert s.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert s.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    s.close()
    assert count(demo_db) == before                      # absent, not half-written
    assert count(demo_db, "notes LIKE 'bulk %'") == 0


def test_uninterrupted_batch_is_whole(demo_db):
    before = count(demo_db)
    proc = subprocess.run([sys.executable, "-c", BIG_BATCH, str(demo_db), "3000", "999999"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert count(demo_db) == before + 3000
