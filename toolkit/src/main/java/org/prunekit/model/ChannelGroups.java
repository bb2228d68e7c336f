package org.prunekit.model;

import java.util.Iterator;
import java.util.List;
import org.prunekit.Tabular;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A net's {@link ChannelGroup}s: the dependency analysis structured pruning plans with. Show it
 * to see which layers a residual connection ties together.
 *
 * <pre>{@code
 * ChannelGroups groups = net.channelGroups();   // in a notebook: a table, one row per group
 * groups.of("res1.conv2");                      // the group that layer's outputs belong to
 * }</pre>
 */
public final class ChannelGroups implements Tabular, Iterable<ChannelGroup> {

    private final List<ChannelGroup> groups;

    ChannelGroups(List<ChannelGroup> groups) {
        this.groups = List.copyOf(groups);
    }

    /** @return every group, in the order of its first producer */
    public List<ChannelGroup> list() {
        return groups;
    }

    /** @return the groups whose channels can be removed */
    public List<ChannelGroup> prunable() {
        return groups.stream().filter(ChannelGroup::isPrunable).toList();
    }

    /**
     * @param producer a dense or convolution layer
     * @return the group its output channels belong to
     * @throws IllegalArgumentException if no group has that producer
     */
    public ChannelGroup of(String producer) {
        for (ChannelGroup g : groups) {
            if (g.producers().contains(producer)) {
                return g;
            }
        }
        throw new IllegalArgumentException("No channel group has producer '" + producer + "'; producers are "
                + groups.stream().flatMap(g -> g.producers().stream()).toList() + ".");
    }

    /**
     * @param name a group's name (its first producer)
     * @return the group
     * @throws IllegalArgumentException if there is none
     */
    public ChannelGroup named(String name) {
        for (ChannelGroup g : groups) {
            if (g.name().equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("No channel group '" + name + "'; groups are "
                + groups.stream().map(ChannelGroup::name).toList() + ".");
    }

    @Override
    public Iterator<ChannelGroup> iterator() {
        return groups.iterator();
    }

    @Override
    public Table toTable() {
        Table t = Table.create("Channel groups");
        t.addColumns(StringColumn.create("group", groups.stream().map(ChannelGroup::name)),
                IntColumn.create("channels", groups.stream().mapToInt(ChannelGroup::channels).toArray()),
                IntColumn.create("width", groups.stream().mapToInt(ChannelGroup::width).toArray()),
                StringColumn.create("producers", groups.stream().map(g -> String.join(", ", g.producers()))),
                StringColumn.create("per-channel layers", groups.stream().map(g -> String.join(", ", g.perChannel()))),
                StringColumn.create("consumers", groups.stream().map(g -> String.join(", ", g.consumers()))),
                BooleanColumn.create("prunable", groups.stream().map(ChannelGroup::isPrunable).toList()),
                StringColumn.create("why not", groups.stream().map(g -> g.isPrunable() ? "" : g.notPrunableBecause())));
        return t;
    }

    /** @return how many groups there are and how many of them can be pruned */
    @Override
    public List<String> notes() {
        return List.of(groups.size() + " channel groups, " + prunable().size() + " prunable.");
    }

    /** @return the groups as aligned text: the same table and notes a notebook shows */
    @Override
    public String toString() {
        return toText();
    }
}
