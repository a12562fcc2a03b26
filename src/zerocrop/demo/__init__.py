"""The demo: the synthetic town 无定河镇, its campaign 利剑-22, accounts and a survey round.

It is the last app: it may import every other app, and none imports it, so each app's demo
data lives here and `zerocrop load-demo` loads them in order.
"""
