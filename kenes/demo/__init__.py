"""Demo content for `kenes load_demo`: a sample draft law (kk, ru), demo users for every role and
generated proposals. The texts live in kenes/data/demo/; `generate` is Django-free, `load` writes."""
