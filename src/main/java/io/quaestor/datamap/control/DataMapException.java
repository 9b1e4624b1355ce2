package io.quaestor.datamap.control;

import jakarta.ejb.ApplicationException;

import java.util.List;

/** A map that cannot become active, with every problem found: file, line and element named. */
@ApplicationException
public class DataMapException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One problem: where (file:line, element path) and what. */
    public record Problem(String file, int line, String element, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + element + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public DataMapException(List<Problem> problems) {
        super(problems.size() + " problem(s) in the data map; first: " + problems.get(0));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
