package io.berth.platform;

import java.sql.Clob;
import java.sql.SQLException;

/** A TEXT column's value as a native query answers it: a String on PostgreSQL, a Clob on H2. */
public final class TextColumn {

    private TextColumn() {
    }

    public static String read(Object column) {
        if (column instanceof Clob clob) {
            try {
                return clob.getSubString(1, (int) clob.length());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read a text column", e);
            }
        }
        return (String) column;
    }
}
