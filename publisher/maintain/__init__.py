"""Looking after a published store: `verify` (compare it with the database, repair what
is missing or wrong) and `gc` (delete old day files no screen can still need).

Publishing only ever adds to a store and trusts its records; this room checks that
trust and tidies up after it, using the publish room (its plan, its write loop,
its records) only through the names `publisher.publish` exports.
"""
