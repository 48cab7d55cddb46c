"""Services (usługi): what each institution offers, and every delivery to a person."""
