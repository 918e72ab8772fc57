def test_demo(cli, make_client):
    code, out = cli("demo")
    assert code == 0, out
    from citydip.system.demo import DEMO_EMAIL, DEMO_PASSWORD
    c = make_client().login(DEMO_EMAIL, DEMO_PASSWORD)
    for p in ["/w/los-angeles/", "/w/los-angeles/map", "/w/los-angeles/calendar", "/w/los-angeles/agreements", "/w/houston/map", "/w/los-angeles/calendar/feeds", "/w/los-angeles/followups?overdue=true"]:
        r = c.get(p); assert r.status_code == 200, (p, r.text[-3000:])
    r = c.get("/w/los-angeles/map")
    open("/tmp/map.html", "w").write(r.text)
    r = c.get("/api/v1/workspaces/los-angeles/map.svg")
    open("/tmp/map.svg", "w").write(r.text)
    print(c.get("/w/los-angeles/").text[-4000:])
