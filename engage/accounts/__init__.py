"""Staff accounts: users, sign-in and sign-out, passwords."""
