"""The contract-test kit: one <Port>Contract pytest class per port (needs the [contract] extra)."""
