"""Work a worker keeps rather than repeats: bounded, and never data that can go stale."""


def remembered(store: dict, key, build, limit: int = 256):
    """store[key], built on first use; the store is emptied past `limit` entries (the keys are
    a few dozen in practice, but never let them grow without bound)."""
    if key not in store:
        if len(store) >= limit:
            store.clear()
        store[key] = build()
    return store[key]
