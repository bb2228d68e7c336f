package org.prunekit.data;

/**
 * A data set could not be read: a file is missing, truncated, corrupt or of the wrong kind.
 * The message names the file, says what was wrong and how to get a good copy.
 */
public class DatasetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, with the file and the fix
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, with the file and the fix
     * @param cause the underlying I/O error
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
