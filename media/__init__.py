"""Photos and voices: consent-based enrolment, face/voice matching, known photos and recordings.

Nothing here imports Scrapy. Heavy libraries (dlib through face_recognition, torch through
resemblyzer) are imported lazily, only when a photo or a clip is actually processed, so the
text-only crawl stays fast. See docs/media.md.
"""
