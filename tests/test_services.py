import pytest

from sponsortrack.errors import ConflictError, NotFoundError, SponsortrackError, ValidationError
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog, dashboard, undo
from sponsortrack.services import reads as rsvc
from sponsortrack.services.demo import load_demo


@pytest.fixture
def network(store):
    show = catalog.add_show(store, name="Practical AI")
    sp = catalog.add_sponsor(store, name="DigitalOcean", domains="digitalocean.com, do.co")
    brave = catalog.add_sponsor(store, name="Brave", domains="brave.com")
    c = camp.add_campaign(store, sponsor="DigitalOcean", name="Q4", start_date="2019-10-01",
                          end_date="2019-12-31", pricing="flat", rate="1200", booked_reads=4,
                          default_placement="pre", promo_url="do.co/changelog", promo_code="CL50")
    ep = catalog.add_episode(store, "Practical AI", number=62, title="Blacklisted", published_on="2019-10-21")
    return store, show, sp, brave, c, ep


def test_log_read_takes_running_campaign_defaults(network):
    store, _, _sp, _, c, ep = network
    rid = rsvc.log_read(store, ep.id, sponsor="digitalocean")
    r = rsvc.get_read(store, rid)
    assert (r.campaign_id, r.placement, r.promo_url, r.promo_code, r.position) == (
        c.id, "pre", "https://do.co/changelog", "CL50", 1)
    assert r.price_minor == 120000


def test_two_reads_of_one_sponsor_in_an_episode(network):
    store, *_, ep = network
    ids = rsvc.log_reads(store, ep.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "DigitalOcean",
                                                                       "placement": "mid"}])
    rows = [rsvc.get_read(store, i) for i in ids]
    assert [r.placement for r in rows] == ["pre", "mid"]


def test_batch_is_all_or_nothing(network):
    store, *_, ep = network
    with pytest.raises(ValidationError, match="^read 2 placement: 'middle' is not one of pre, mid, post"):
        rsvc.log_reads(store, ep.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "Brave", "placement": "middle"}])
    assert rsvc.count_reads(store) == 0
    with pytest.raises(NotFoundError, match="^read 2 sponsor: no sponsor named .Nobody."):
        rsvc.log_reads(store, ep.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "Nobody", "placement": "pre"}])
    assert rsvc.count_reads(store) == 0


def test_read_without_campaign_needs_placement(network):
    store, *_, ep = network
    with pytest.raises(ValidationError, match="^placement: is required"):
        rsvc.log_read(store, ep.id, sponsor="Brave")
    rid = rsvc.log_read(store, ep.id, sponsor="Brave", placement="mid", promo_url="brave.com/changelog")
    r = rsvc.get_read(store, rid)
    assert r.campaign_id is None and r.price_minor is None and r.promo_url == "https://brave.com/changelog"


def test_proposals_for_episode_and_date(network):
    store, show, _sp, _, _c, ep = network
    props = rsvc.proposals_for_episode(store, ep.id)
    assert [(p.sponsor_name, p.placement, p.promo_url) for p in props] == [
        ("DigitalOcean", "pre", "https://do.co/changelog")]
    rsvc.log_reads(store, ep.id, [props[0].as_values()])
    assert rsvc.proposals_for_episode(store, ep.id) == []
    assert rsvc.proposals_for_date(store, show.id, "2020-01-05") == []


def test_make_good_and_flagged_pricing_and_pacing(network):
    store, *_, c, ep = network
    bad = rsvc.log_read(store, ep.id, sponsor="DigitalOcean", status="flagged")
    ep2 = catalog.add_episode(store, "Practical AI", number=63, title="Next", published_on="2019-10-28")
    good = rsvc.log_read(store, ep2.id, sponsor="DigitalOcean", make_good_of=bad)
    assert rsvc.get_read(store, bad).price_minor == 0
    assert rsvc.get_read(store, good).price_minor == 0
    with pytest.raises(ValidationError, match="^make_good_of: read .* is another sponsor's"):
        rsvc.log_read(store, ep2.id, sponsor="Brave", placement="mid", make_good_of=bad)
    p = camp.pacing(store, [c.id], as_of="2019-11-15")[0]
    assert (p.booked_reads, p.delivered_reads, p.make_goods_delivered, p.make_goods_owed) == (4, 1, 1, 0)


def test_cpm_and_per_episode_pricing(store):
    catalog.add_show(store, name="S")
    catalog.add_sponsor(store, name="Brave")
    catalog.add_sponsor(store, name="Fastly")
    catalog.add_agency(store, name="Agency", commission="15")
    camp.add_campaign(store, sponsor="Brave", name="cpm", start_date="2019-01-01", end_date="2019-12-31",
                      pricing="cpm", rate="25", agency="Agency", default_placement="mid")
    camp.add_campaign(store, sponsor="Fastly", name="pe", start_date="2019-01-01", end_date="2019-12-31",
                      pricing="per_episode", rate="800", default_placement="post")
    ep = catalog.add_episode(store, "S", number=1, title="One", published_on="2019-05-01")
    from sponsortrack.store import downloads

    downloads.upsert_snapshots(store, [{"episode_id": ep.id, "day": 7, "downloads": 9000, "source": "host"},
                                       {"episode_id": ep.id, "day": 30, "downloads": 12499, "source": "host"},
                                       {"episode_id": ep.id, "day": 60, "downloads": 20000, "source": "host"}])
    ids = rsvc.log_reads(store, ep.id, [{"sponsor": "Brave"}, {"sponsor": "Fastly"},
                                        {"sponsor": "Fastly", "placement": "pre"}])
    brave, f1, f2 = (rsvc.get_read(store, i) for i in ids)
    assert brave.units == 12499 and brave.price_minor == 31248  # day-30 window, half-up once
    assert (f1.price_minor, f2.price_minor) == (80000, 0)       # once per episode


def test_edit_and_delete_validation(network):
    store, *_, ep = network
    rid = rsvc.log_read(store, ep.id, sponsor="DigitalOcean")
    r = rsvc.edit_read(store, rid, placement="post", promo_code="NEW10")
    assert (r.placement, r.promo_code) == ("post", "NEW10")
    with pytest.raises(ValidationError, match="^promo_url: scheme 'ftp'"):
        rsvc.edit_read(store, rid, promo_url="ftp://x.com")
    done = undo.delete_reads(store, [rid])
    assert rsvc.count_reads(store) == 0
    undo.undo(store, done.change)
    assert rsvc.get_read(store, rid).promo_code == "NEW10"


def test_issued_invoice_locks_reads(network):
    store, _, sp, _, _, ep = network
    rid = rsvc.log_read(store, ep.id, sponsor="DigitalOcean")
    store.conn.execute("INSERT INTO invoices (id, number, sponsor_id, status) VALUES (7, '2019-0007', ?, 'issued')",
                       [sp.id])
    store.conn.execute("UPDATE ad_reads SET invoice_id = 7 WHERE id = ?", [rid])
    store.conn.commit()
    with pytest.raises(ConflictError, match="billed on issued invoice 2019-0007"):
        rsvc.edit_read(store, rid, placement="mid")
    with pytest.raises(ConflictError, match="2019-0007"):
        rsvc.delete_reads(store, [rid])


def test_catalog_duplicates_and_deletes(network):
    store, show, sp, *_ = network
    with pytest.raises(ValidationError, match="^name: a sponsor named 'digitalocean' already exists"):
        catalog.add_sponsor(store, name="digitalocean")
    with pytest.raises(ValidationError, match="^number: Practical AI already has episode 62"):
        catalog.add_episode(store, "Practical AI", number=62, title="Dup")
    with pytest.raises(ConflictError, match="used by .* campaigns"):
        catalog.delete_sponsor(store, sp.id)
    with pytest.raises(ConflictError, match="has 1 episodes"):
        catalog.delete_show(store, show.id)
    assert catalog.edit_sponsor(store, sp.id, name="DigitalOcean, LLC").name == "DigitalOcean, LLC"


def test_campaign_validation(network):
    store, *_ = network
    with pytest.raises(ValidationError, match="^end_date: 2019-01-01 is before the start date 2019-02-01"):
        camp.add_campaign(store, sponsor="Brave", name="x", start_date="2019-02-01", end_date="2019-01-01",
                          pricing="flat", rate="10")
    with pytest.raises(ValidationError, match="^rate: has more decimals than USD allows"):
        camp.add_campaign(store, sponsor="Brave", name="x", start_date="2019-02-01", end_date="2019-03-01",
                          pricing="flat", rate="10.005")
    with pytest.raises(ValidationError, match="^pricing: 'barter' is not one of"):
        camp.add_campaign(store, sponsor="Brave", name="x", start_date="2019-02-01", end_date="2019-03-01",
                          pricing="barter", rate="10")


def test_list_reads_filters(demo_store):
    oct_reads = rsvc.list_reads(demo_store, month="2019-10")
    assert oct_reads and all(r.air_date.startswith("2019-10") for r in oct_reads)
    fastly = rsvc.list_reads(demo_store, month="2019-10", sponsor="fastly", show="Practical AI")
    assert fastly and {r.sponsor_name for r in fastly} == {"Fastly"}
    assert {r.show_name for r in fastly} == {"Practical AI"}
    found = rsvc.list_reads(demo_store, search="changlog")
    assert [r.status for r in found] == ["flagged"]
    with pytest.raises(ValidationError, match="^month: "):
        rsvc.list_reads(demo_store, month="2019-13")
    page1 = rsvc.list_reads(demo_store, sort="sponsor", descending=False, limit=10)
    page2 = rsvc.list_reads(demo_store, sort="sponsor", descending=False, limit=10, offset=10)
    assert not {r.id for r in page1} & {r.id for r in page2}
    assert [r.sponsor_name for r in page1] == sorted(r.sponsor_name for r in page1)


def test_demo_is_idempotent_and_matches_seed(store):
    first = load_demo(store)
    n = rsvc.count_reads(store)
    assert first.anything and n > 50
    assert not load_demo(store).anything
    assert rsvc.count_reads(store) == n
    seed_reads = rsvc.list_reads(store, show="Practical AI", search="Blacklisted")
    assert {(r.sponsor_name, r.promo_url) for r in seed_reads} == {
        ("DigitalOcean", "https://do.co/changelog"), ("Brave", None), ("Fastly", "https://fastly.com")}
    assert rsvc.list_reads(store, status="flagged") and any(
        r.make_good_of for r in rsvc.list_reads(store, sponsor="DigitalOcean"))


def test_dashboard_figures_cover_latest_year_of_history(demo_store):
    figs = dashboard.monthly_figures(demo_store)
    assert figs.months[-1] == "2019-12" and len(figs.months) == 12
    assert sum(figs.reads_by_sponsor["DigitalOcean"]) > 20
    assert sum(figs.revenue_by_currency["USD"]) > 0


def test_errors_are_one_line(network):
    store, *_, ep = network
    for call in (lambda: rsvc.log_read(store, ep.id, sponsor="x" * 500),
                 lambda: catalog.resolve_episode(store, "Practical AI", "abc"),
                 lambda: catalog.resolve_show(store, "Nope")):
        with pytest.raises(SponsortrackError) as exc:
            call()
        assert "\n" not in str(exc.value) and ": " in str(exc.value)
