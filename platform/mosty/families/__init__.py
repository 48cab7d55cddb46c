"""Families (rodziny): households served as a whole, with each member's relation to the head."""
