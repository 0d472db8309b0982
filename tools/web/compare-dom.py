#!/usr/bin/env python3
"""Compares the summary JSON in a page's dumped DOM with the CLI's (check-chromium.sh).

usage: compare-dom.py DOM.html NATIVE.json → prints "ok N keys", or what went wrong."""
import html, json, re, sys

dom = open(sys.argv[1], encoding="utf-8").read()
native = open(sys.argv[2], encoding="utf-8").read().rstrip("\n")
status = re.search(r'<body[^>]*data-status="([a-z]+)"', dom)
m = re.search(r'<pre id="summary-json">(.*?)</pre>', dom, re.S)
if not status or status.group(1) != "done" or not m:
    err = re.search(r'<div id="error">(.*?)</div>', dom, re.S)
    detail = ": " + html.unescape(err.group(1)) if err and err.group(1) else ""
    print("page did not finish (status %s)%s" % (status.group(1) if status else "unknown", detail))
    sys.exit(0)
page = html.unescape(m.group(1))
if page == native:
    print("ok %d keys" % len(json.loads(page)))
else:
    a, b = json.loads(native), json.loads(page)
    print("differs: " + ", ".join("%s (CLI %s, page %s)" % (k, a.get(k), b.get(k)) for k in a if a.get(k) != b.get(k)))
