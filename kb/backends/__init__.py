"""Search backends: the embedded one (whoosh + faiss) and Qdrant, behind one interface.

base.py      the SearchBackend protocol, ClauseRecord, rrf()
embedded.py  whoosh + faiss of one index generation folder
qdrant.py    a Qdrant collection (qdrant_engines.py: in-process edge shard, client local mode, server)
sparse.py    BM25 sparse vectors from the jieba analyzer
factory.py   open_backend(settings): which one, from Settings.index
sync.py      keep a Qdrant collection in step with the SQLite store (the source of truth)
"""
