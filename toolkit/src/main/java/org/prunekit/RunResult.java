package org.prunekit;

import java.util.List;

/**
 * A result made by a {@link Runner}: a table with notes ({@link Tabular}) that knows how it was
 * made. Its notes are its {@link RunProvenance} unless the result adds its own.
 */
public interface RunResult extends Tabular {

    /** @return how the result was made */
    RunProvenance provenance();

    /** @return the name of the net it was made on */
    default String net() {
        return provenance().net();
    }

    /** @return the description of the data it was made on */
    default String data() {
        return provenance().data();
    }

    /** @return how the result was made, one note per merged part */
    @Override
    default List<String> notes() {
        return provenance().notes();
    }
}
