"""Staff pages of the library: practices (``practices``) and exchange meetings with their
action items (``meetings``)."""
