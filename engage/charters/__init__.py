"""Patient involvement charters: sections, immutable versions, diffs, anchored comments, approval, adoption."""
