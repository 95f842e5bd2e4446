"""`newsbot demo`: sample sources, a local feed server and a chat transcript printer."""
