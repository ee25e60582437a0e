"""OCI registry adapter on oras-py: inspect images without pulling them."""
