using System.Text;
using System.Text.Encodings.Web;

namespace SelfHostSync.Dashboard;

/// <summary>A tiny HTML writer: every piece of text goes through the HTML encoder (names and notes are user input).</summary>
internal sealed class Html(TextWriter output)
{
    /// <summary>Text is handed to the output in pieces of about this size (see <see cref="FlushIfFullAsync"/>).</summary>
    private const int FlushAt = 32 * 1024;

    private readonly StringBuilder _out = new();

    /// <summary>Markup we wrote ourselves (tags, attribute names).</summary>
    public Html Raw(string markup)
    {
        _out.Append(markup);
        return this;
    }

    /// <summary>Text, encoded.</summary>
    public Html Text(string? text)
    {
        _out.Append(HtmlEncoder.Default.Encode(text ?? string.Empty));
        return this;
    }

    /// <summary><c>&lt;tag attr="encoded"…&gt;encoded text&lt;/tag&gt;</c>.</summary>
    public Html Element(string tag, string? text, params (string Name, string? Value)[] attributes)
    {
        Open(tag, attributes);
        Text(text);
        return Raw($"</{tag}>");
    }

    public Html Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _out.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                _out.Append(' ').Append(name).Append("=\"").Append(HtmlEncoder.Default.Encode(value)).Append('"');
            }
        }

        _out.Append('>');
        return this;
    }

    /// <summary>Hands what is buffered to the output once it is a full piece (call it inside long loops).</summary>
    public Task FlushIfFullAsync(CancellationToken cancellationToken) =>
        _out.Length >= FlushAt ? FlushAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Hands everything buffered to the output (call once at the end).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) =>
        Control.TextResponse.DrainAsync(_out, output, cancellationToken);
}
