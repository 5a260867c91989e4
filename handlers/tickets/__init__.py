"""Feedback, petitions, complaints and denunciations (phản ánh – kiến nghị), answered on time."""
