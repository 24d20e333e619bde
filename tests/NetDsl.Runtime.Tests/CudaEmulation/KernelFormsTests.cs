using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>How <see cref="KernelForms"/> reads forms: by the declarations' parameter names, never by position.</summary>
public class KernelFormsTests
{
    private const string Header = """
        // template <int Unused> a comment is not a declaration
        template <int Ci, int K, bool Bias, int Act = 0, class Team = Grid>
        __device__ void conv(float* y, const float* x, int n) { }
        template <int C, bool Max, int Act> struct Through { const float* dy; };
        template <class Team = Grid, class Dz> __device__ void from(float* dx, Dz dz, int n) { }
        __device__ inline void add(float* y, const float* a, long long total) { }
        """;

    private static SortedSet<string> FormsOf(string kernels, string header = Header) =>
        new KernelForms(CudaTemplates.Declared([header])).Of(kernels);

    private static string Kernel(string body) => $$"""extern "C" __global__ void k(NetDslArgs a) { {{body}} }""" + "\n";

    [Fact]
    public void Sizes_drop_out_and_defaults_fill_in()
    {
        var forms = FormsOf(Kernel("netdsl::conv<3, 7, true>(y, x, a.n);") + Kernel("netdsl::conv< 64, 3, false, 1, netdsl::Block >(y, x, a.n);") +
            """extern "C" __global__ void __launch_bounds__(128) b(NetDslArgs a) { netdsl::conv<64, 3, true, 0, netdsl::Grid>(y, x, a.n); }""");
        Assert.Equal(["conv<Bias=false, Act=1, Team=Block>", "conv<Bias=true, Act=0, Team=Grid>"], forms);
    }

    [Fact]
    public void Parameters_are_read_from_the_declaration_not_by_position()
    {
        // The same call against a header where only the kernel size stayed a template argument.
        const string runtimeSizes = "template <int K, bool Bias, int Act = 0> __device__ void conv(float* y, int ci, int n);";
        Assert.Equal(["conv<Bias=true, Act=1>"], FormsOf(Kernel("netdsl::conv<7, true, 1>(y, 3, a.n);"), runtimeSizes));
    }

    [Fact]
    public void Functors_and_plain_functions_are_forms_and_type_arguments_are_not()
    {
        var forms = FormsOf(Kernel("""
            // netdsl::conv<1, 1, true>(y) in a comment is no call
            if (a.training) netdsl::from<netdsl::Block>(dx, netdsl::Through<16, true, 1>{dy, y}, a.n);
            netdsl::add(y, x, (long long)a.n * 4);
            """));
        Assert.Equal(["Through<Max=true, Act=1>", "add", "from<Team=Block>"], forms);
    }

    [Fact]
    public void Only_kernel_bodies_count()
    {
        var forms = FormsOf("""
            #define CALL netdsl::add(y, x, 1)
            __device__ void helper() { netdsl::conv<1, 1, false>(y, x, 1); }
            """ + Kernel("netdsl::add(y, x, a.n);"));
        Assert.Equal(["add"], forms);
    }

    [Fact]
    public void A_template_call_the_headers_do_not_declare_is_an_error()
    {
        var e = Assert.Throws<FormatException>(() => FormsOf(Kernel("netdsl::pool<2, true>(y, x, a.n);")));
        Assert.Contains("netdsl::pool<2, true>", e.Message);
        e = Assert.Throws<FormatException>(() => FormsOf(Kernel("netdsl::conv<1, 2, true, 0, netdsl::Grid, 9>(y, x, a.n);")));
        Assert.Contains("6 template arguments", e.Message);
    }

    [Fact]
    public void Conflicting_declarations_are_an_error()
    {
        const string other = "template <int C, bool Max> __device__ void conv(float* y);";
        var e = Assert.Throws<FormatException>(() => CudaTemplates.Declared([Header, other]));
        Assert.Contains("netdsl::conv is declared twice", e.Message);
    }
}
