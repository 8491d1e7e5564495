"""Optional consents: photos and video, contact about future events, sharing with a named
partner; asked per person, never a condition of admission, withdrawable at any time."""
