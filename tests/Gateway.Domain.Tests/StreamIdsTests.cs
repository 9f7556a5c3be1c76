namespace Gateway.Domain.Tests;

public class StreamIdsTests
{
    // RFC 4122's DNS namespace, used by the RFC 9562 appendix example.
    static readonly Guid DnsNamespace = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    [Fact]
    public void the_rfc_9562_example_name_gives_its_published_uuid()
    {
        Assert.Equal(
            new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            StreamIds.NameBased(DnsNamespace, "www.example.com"));
    }

    // Expected values computed outside .NET, with Python's uuid.uuid5(StreamIds.Namespace, "<kind>:<id>"). They pin
    // the namespace and the prefixes: changing either would orphan every stored team, user and customer stream.
    [Theory]
    [InlineData("team", "07e1bfd9-43bf-590a-bafe-39c6a78a323e")]
    [InlineData("user", "599dc012-0fbf-529e-a772-fd5efc040a94")]
    [InlineData("customer", "64009c53-e81d-59b0-b488-4ddf0acd64be")]
    public void stream_ids_match_an_independent_version_5_computation(string kind, string expected)
    {
        Assert.Equal(new Guid(expected), Of(kind, "team-1"));
    }

    [Fact]
    public void ids_are_hashed_as_utf8()
    {
        Assert.Equal(new Guid("886cff63-4ac9-59fe-aaa4-98b4903abc8f"), StreamIds.Team("équipe-1"));
    }

    [Fact]
    public void the_same_id_always_finds_the_same_stream()
    {
        Assert.Equal(StreamIds.Team("team-1"), StreamIds.Team(new string("team-1".ToCharArray())));
        Assert.Equal(StreamIds.User("alice"), StreamIds.User("alice"));
        Assert.Equal(StreamIds.Customer("end-user-1"), StreamIds.Customer("end-user-1"));
    }

    [Fact]
    public void a_team_a_user_and_a_customer_with_the_same_id_never_share_a_stream()
    {
        Guid[] ids = [StreamIds.Team("alice"), StreamIds.User("alice"), StreamIds.Customer("alice")];

        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public void different_ids_of_one_kind_get_different_streams_and_ids_are_case_sensitive()
    {
        Assert.NotEqual(StreamIds.Team("team-1"), StreamIds.Team("team-2"));
        Assert.NotEqual(StreamIds.Team("team-1"), StreamIds.Team("Team-1"));
    }

    [Theory]
    [InlineData("team", "team-1")]
    [InlineData("user", "alice")]
    [InlineData("customer", "")]
    [InlineData("customer", "a very long end-user id with spaces and ünïcödé")]
    public void stream_ids_carry_version_5_and_the_rfc_variant(string kind, string id)
    {
        var bytes = Of(kind, id).ToByteArray(bigEndian: true);

        Assert.Equal(5, bytes[6] >> 4);
        Assert.Equal(0b10, bytes[8] >> 6);
    }

    [Fact]
    public void a_missing_id_is_refused_rather_than_mapped_to_a_shared_stream()
    {
        Assert.Throws<ArgumentNullException>(() => StreamIds.Team(null!));
    }

    static Guid Of(string kind, string id) => kind switch
    {
        "team" => StreamIds.Team(id),
        "user" => StreamIds.User(id),
        "customer" => StreamIds.Customer(id),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
