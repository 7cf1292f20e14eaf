"""Every failure of the importer: one line and a documented exit code (docs/import.md)."""

EXIT_OK = 0
EXIT_USAGE = 2          # bad command line (argparse's own code)
EXIT_NOT_ONNX = 3       # the model file is missing, unreadable or not an ONNX model
EXIT_UNSUPPORTED = 4    # an ONNX node or graph pattern vitsim cannot run (names the node and op)
EXIT_BAD_DATA = 5       # calibration data missing, malformed or of the wrong shape
EXIT_MISMATCH = 6       # the recovered network does not compute what the ONNX graph computes


class ImportFailure(Exception):
    """A failure with its exit code; str() is the one-line message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def unsupported(node, why):
    """The node (name and op) that cannot be imported, and why."""
    return ImportFailure(EXIT_UNSUPPORTED, f"node '{node.name}' ({node.op_type}): {why}")
