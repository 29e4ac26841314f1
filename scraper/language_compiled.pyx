# cython: language_level=3, boundscheck=False, wraparound=False
"""py3langid's feature count (``py3langid.langid.visit_counts``), compiled.

The language model reads its input byte by byte through a DFA, in a Python
loop: about half a millisecond for a 600-character CJK description, most of
the language step. :class:`FeatureCounter` runs the same automaton over the
same tables in C and gives the same counts in the same order (the order the
scores are summed in). ``scraper.language`` checks it against py3langid's own
answers before using it, and the tests hold the two together.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc


cdef class FeatureCounter:
    """``visit_counts(nextmove, rowbase, output, data)`` for one model's tables."""

    cdef const unsigned int[:] nextmove
    cdef Py_ssize_t *rowbase
    cdef Py_ssize_t *output
    cdef Py_ssize_t states

    def __init__(self, nextmove, rowbase, output):
        cdef Py_ssize_t i
        self.nextmove = memoryview(nextmove).cast("B").cast("I")
        self.states = len(rowbase)
        if len(output) != self.states:
            raise ValueError("the DFA's row and output tables differ in length")
        self.rowbase = <Py_ssize_t *> PyMem_Malloc(self.states * sizeof(Py_ssize_t))
        self.output = <Py_ssize_t *> PyMem_Malloc(self.states * sizeof(Py_ssize_t))
        if self.rowbase == NULL or self.output == NULL:
            raise MemoryError()
        for i in range(self.states):
            self.rowbase[i] = rowbase[i]
            self.output[i] = output[i]
            if not 0 <= self.rowbase[i] <= self.nextmove.shape[0] - 256:
                raise ValueError("a DFA row points past the move table")

    def __dealloc__(self):
        PyMem_Free(self.rowbase)
        PyMem_Free(self.output)

    def counts(self, const unsigned char[:] data):
        """Each feature the walk over ``data`` visits, with how often, in first-visit order; None if none."""
        cdef Py_ssize_t state = 0
        cdef Py_ssize_t i, f
        cdef unsigned int move
        cdef dict found = {}
        for i in range(data.shape[0]):
            move = self.nextmove[self.rowbase[state] + data[i]]
            if move >= self.states:
                raise ValueError("the DFA moved to a state it does not have")
            state = move
            f = self.output[state]
            if f >= 0:
                key = f
                found[key] = found.get(key, 0) + 1
        return found or None
